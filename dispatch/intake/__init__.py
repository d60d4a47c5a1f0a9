"""A call-centre order: the branch found by the site (its area, else the nearest), the client
found or made, the order placed and the branch told (issue 21)."""
