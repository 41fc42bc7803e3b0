"""Importers: pipelines written for other tools (Elyra ``.pipeline`` files) turned into ours."""
