"""CRM pages: customers, inventory and orders."""
