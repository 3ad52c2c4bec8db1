import streamlit as st

st.title("Logistic Regression Lab")
st.write("Train linear, logistic and softmax regression live, by hand and with torch.nn.")
st.page_link("views/logistic.py", label="Logistic regression", icon="📈")
