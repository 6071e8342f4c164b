"""The integration builder: flows, versions, expressions and the durable run engine."""
