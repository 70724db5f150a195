-- The same view, and a function with a trigger that keeps emails in lower case.
CREATE VIEW big_orders AS SELECT id, customer_id, total FROM orders WHERE total > 100;
CREATE FUNCTION lower_email() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  NEW.email := lower(NEW.email);
  RETURN NEW;
END
$$;
CREATE TRIGGER customers_lower_email BEFORE INSERT OR UPDATE ON customers
  FOR EACH ROW EXECUTE FUNCTION lower_email();
