"""Does not parse. Expect: broken, 0 points."""


def sgd_step(params, lr)
    pass
