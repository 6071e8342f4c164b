"""The notifications page and the bell of the app's layout."""
