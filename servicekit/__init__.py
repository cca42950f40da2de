"""What every service shares apart from the event contract: settings, logging, database and NATS
connections, migrations, the problem+json error format, health and metrics, and the app skeleton."""
