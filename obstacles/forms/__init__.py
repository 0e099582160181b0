"""Forms of the obstacle register, one module per audience. Import the module you need."""
