"""Who may see and do what in the obstacle register. Import the module you need."""
