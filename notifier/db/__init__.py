"""All of the notifier's SQL, a module per topic."""
