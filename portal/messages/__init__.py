"""Messages from the programme office to groups of people chosen by filters, in both languages."""
