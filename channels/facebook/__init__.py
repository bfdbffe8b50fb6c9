"""The Facebook channel: page posts, comment threads and Messenger through facebook-sdk."""
