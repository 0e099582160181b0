"""Every write to the obstacle register (CONVENTIONS: services). Import the module you need:
`from obstacles.services import entries`."""
