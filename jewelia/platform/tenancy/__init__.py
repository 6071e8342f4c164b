"""Tenancy: the tenant registry, provisioning, the spare-schema pool and migrating every tenant."""
