"""Changing an order once placed: headcount up or down, times, rates, foreman and notes;
booking a named worker; a top-up after the start. Same lock order as answers."""
