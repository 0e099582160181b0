"""The reads pages show, already scoped to the user. Import the module you need."""
