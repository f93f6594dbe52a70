-- The mart holds exactly the accepted candidate pairs: nothing matched without a
-- recorded decision, no accepted decision lost on the way.
with

accepted as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id
    from {{ ref('int_invoices__match_candidates') }}
    where is_accepted

),

matches as (

    select
        billing_document_type,
        billing_document_id,
        erp_document_id
    from {{ ref('invoice_matches') }}

),

only_accepted as (

    select * from accepted
    except
    select * from matches

),

only_matched as (

    select * from matches
    except
    select * from accepted

)

select
    'accepted but not matched' as problem,
    only_accepted.*  -- noqa: AM04
from only_accepted
union all
select
    'matched but not accepted' as problem,
    only_matched.*  -- noqa: AM04
from only_matched
