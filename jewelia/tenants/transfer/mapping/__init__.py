"""From file records to API input and back: field definitions, transforms, rows, exports."""
