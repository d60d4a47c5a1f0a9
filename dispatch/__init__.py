"""Branches, clients, sites, orders, offers, matcher, overbooking, waves, attendance."""
