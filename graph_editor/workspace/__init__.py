"""A folder of pipelines as one workspace: the ``*.stitch`` files below it, read together.

``scan`` finds and reads them (one broken file never stops the others); the workspace file's
shared defaults are applied where the pipelines are read, so every command sees effective
pipelines (docs/workspace.md).
"""
