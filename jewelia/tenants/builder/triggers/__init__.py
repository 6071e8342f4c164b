"""Builder triggers beyond api_call and manual: webhook, schedule and database_change.

Each starts its runs through `engine.runs.start_flow_run`, once per delivery key (`fire`).
`sync.sync_flow` keeps a flow's webhook URL and schedule fire times in line with the flow
whenever it is published, switched on or off, or deleted.
"""
