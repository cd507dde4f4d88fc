"""Golden cases of the tensor engine against PyTorch; see core.py for the fixture layout."""
