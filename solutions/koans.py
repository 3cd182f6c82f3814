"""koans: predictions of what the articles' snippets do (reference answers)."""

# --- koans_references ---------------------------------------------------------------------------


def int_minus_equals_keeps_id():
    return False  # an int is immutable: `p -= 4` binds p to a new int


def tensor_minus_equals_keeps_id():
    return True  # on a tensor `p -= 4` is `p.sub_(4)`: the same object, changed in place


def int_list_after_loop():
    return [1, 2]  # the loop variable was rebound; the list kept its ints


def tensor_list_after_rebinding():
    return [1.0, 2.0]  # `p - 4` is a new tensor, bound to the loop variable only


def list_after_call():
    return [0, 2, [2, 4]]  # `a[0] -= 1` stores a new int into the caller's own list


# --- koans_autograd -----------------------------------------------------------------------------


def no_grad_result():
    return (False, None)  # nothing is recorded under no_grad


def grad_after_two_backward_calls():
    return 8.0  # 2 * x = 4 at x = 2, added twice: backward accumulates


def nonscalar_backward():
    return "RuntimeError"  # grad can be implicitly created only for scalar outputs


def w_after_detached_add():
    return [2.0, 2.0, 2.0]  # detach() shares w's memory


def scaled_randn_grad_is_none():
    return True  # w is the product, not a leaf: backward fills leaves' .grad only


# --- koans_loops --------------------------------------------------------------------------------


def losses_after_cat_loop():
    return 10  # torch.cat returns a new tensor, thrown away: l keeps the first batch


def updates_in_the_experiment():
    return (100, 1)  # A: a step per batch, 1000 / 10 an epoch; B: one step after each epoch


def running_loss_kind():
    return "tensor with a graph"  # float + tensor is a tensor, and loss has a grad_fn


def step_after_late_zero_grad_moves():
    return False  # zero_grad wiped the gradient that backward had just filled


def second_backward():
    return "RuntimeError"  # the first backward freed what the graph had saved
