"""What the pages show beside training: the gradient three ways and a Step in four
stages, worked loss tables, loss landscapes, the test split's mistakes, the notes'
per-sample printout and the tensor basics."""
