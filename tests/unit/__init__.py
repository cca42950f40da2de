"""The pure rules of every package, tested without PostgreSQL, NATS or HTTP (`make unit`)."""
