"""Tables: the data the parser and the pages look up (posts, TAGS codes and titles)."""
