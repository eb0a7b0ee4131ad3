"""The Brickworks operations by resource: each module a router that `api` mounts; `common` they share."""
