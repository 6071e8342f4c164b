"""One module per action type: `prepare(config, context)` renders the step's input (stored with
the step before it runs, reused by every attempt); `execute(step, input)` performs it."""
