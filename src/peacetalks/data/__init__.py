"""Built-in scenarios and data files shipped with peacetalks."""
