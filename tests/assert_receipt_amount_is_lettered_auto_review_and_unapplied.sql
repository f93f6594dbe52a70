-- Conservation of cash: every receipt's amount splits exactly into ERP lettering,
-- sure proposals, proposals in review and the unapplied rest, and no part is negative
-- (the engine never applies more than the receipt).
select
    receipt_id,
    amount,
    lettered_amount,
    auto_amount,
    review_amount,
    unapplied_amount
from {{ ref('receipt_balances') }}
where lettered_amount + auto_amount + review_amount + unapplied_amount != amount
    or lettered_amount < 0
    or auto_amount < 0
    or review_amount < 0
    or unapplied_amount < -{{ var('amount_tolerance') }}
