"""The Users screen: the people who sign in to this dashboard, their roles, and how they get in."""
