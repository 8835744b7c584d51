"""The dashboard's pages: one HTML shell for every dashboard URL (the browser routes)."""
