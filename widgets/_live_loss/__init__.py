"""_live_loss: see the modules inside."""
