"""TypeScript and JavaScript source: parsing with tree-sitter and the facts drawn from it."""
