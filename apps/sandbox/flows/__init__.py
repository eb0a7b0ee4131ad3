"""The flows API of the sandbox: its entry is `api`, its operations `routes`."""
