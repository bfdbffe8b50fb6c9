"""The X (Twitter) channel. The only package that imports tweepy."""
