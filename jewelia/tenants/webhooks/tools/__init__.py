"""The webhook testing tools of the API document: templates, render, validate, signatures."""
