"""Views: parse the request, call one selector or service, render (CONVENTIONS "Thin edges")."""
