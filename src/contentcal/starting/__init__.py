"""Starting a plan: the answers `contentcal init` collects, turned into plan files."""
