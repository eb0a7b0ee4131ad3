"""The sandbox's Canvas (ConnectMyApps) REST API: its entry is `api`, its operations `routes`."""
