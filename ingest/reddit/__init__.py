"""Reddit: new posts and comments of a subreddit, or a search, over the JSON listings."""
