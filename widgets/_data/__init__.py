"""Data for the chapters: ``mnist`` (the torchvision API with an offline fallback built from
``sample``, 5,000 real digits), ``folder`` (a PNG folder with a CSV for custom Datasets) and
``pretrained`` (torchvision weights, with a clear message when they can't be downloaded).
"""
