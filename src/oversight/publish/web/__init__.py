"""The portal: pages and JSON API over published results."""
