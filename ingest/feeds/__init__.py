"""RSS / Atom / RDF feeds: parsing items into mentions, and the polling connector."""
