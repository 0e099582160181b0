"""Views of the obstacle register, one module per audience; each exports urlpatterns."""
