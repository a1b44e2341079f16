"""``live_loss``: training curves drawn in place while a loop runs.

``history`` records the numbers (plain Python, testable without drawing), ``figure`` turns a
history into a PNG, ``outputs`` sends it somewhere (notebook display, text, an image widget),
and ``plot`` is the ``LiveLoss`` object a notebook holds, throttling redraws in between.
"""
