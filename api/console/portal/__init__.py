"""The client's portal (/portal/): its orders, a new order at the agreed rates, an order
followed live, cancelled with its consequence shown first, its timesheet signed off and its
crew rated. The rules are the domain's; these pages only show and ask."""
