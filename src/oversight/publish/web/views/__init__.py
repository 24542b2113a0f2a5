"""One module per page; each builds a typed context that its template renders."""
