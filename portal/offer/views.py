"""Views of the offer: the partner's editor and the customer's decision."""
