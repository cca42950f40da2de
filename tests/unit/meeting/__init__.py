"""meeting_svc's pure rules, one file per subdomain (meetings, people, contributions, room, accounts, record)."""
