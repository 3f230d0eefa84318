"""The training area's services: classroom sessions and monthly refreshers."""
