"""The judge stage: the three judgements of every organisation × metric × month (change over
time, position, target), where they disagree, what they say in words, how many organisations a
summary covers, and peer groups. Pure functions over results handed to it; see
docs/methodology.md."""
