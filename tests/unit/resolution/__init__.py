"""The pure rules of resolution_svc: voting, acceptance of a ballot, amendments, sealing, poll checks."""
