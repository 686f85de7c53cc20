def render_gift_receipt(data): raise NotImplementedError
